SELECT 1 -- a BOM before
