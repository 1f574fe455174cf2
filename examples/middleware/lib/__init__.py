"""Helpers of the middleware example: the admin token and the rate limiter."""
