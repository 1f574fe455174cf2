"""The blog's own code: data access, authentication and HTTP helpers shared by the routes."""
