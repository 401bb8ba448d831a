"""The request service: run one chat request through the pool and account for it."""
