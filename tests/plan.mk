# tests for the domctl plan and xl.cfg output
