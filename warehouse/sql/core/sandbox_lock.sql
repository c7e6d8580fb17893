-- The query sandbox's lock (warehouse/sandbox.py), in this order: files only under $dirs, then no other
-- file, database or network access, then no setting can change again (this one included).
set allowed_directories = $dirs;
set enable_external_access = false;
set lock_configuration = true;
