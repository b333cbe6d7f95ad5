ALTER TABLE m DETACH PARTITION m2020;  -- expect: require-concurrent-partition-detach@15
