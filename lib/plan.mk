# lib/plan-*, lib/xlcfg*: domctl plan and xl.cfg output
