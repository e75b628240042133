# lib/fdt-*: guest FDT emitters and the partial-DT checker
