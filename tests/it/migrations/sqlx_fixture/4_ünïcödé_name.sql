SELECT 'é;ü' AS `ä`;
