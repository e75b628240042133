# tests for the host model
