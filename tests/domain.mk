# tests for the domain model and xl.cfg input
