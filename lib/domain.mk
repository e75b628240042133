# lib/domain*, lib/finalize*, lib/config*: domain model, finalize, xl.cfg input
