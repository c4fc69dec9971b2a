"""The machinery every PDF operation shares: opening and saving documents, the job
that bounds work, the budget of decoded bytes, errors, page ranges, in-place editing,
pruning, drawing (canvas, fonts, appearances)."""
