-- Every row of one labeling table ({table} and {columns} are filled in from labels_store.SCHEMAS, never from
-- user input): what recovery carries over from a damaged file that still reads.
select {columns} from {table};
