# tests for the FDT emitters and the partial checker
