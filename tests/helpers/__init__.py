"""What the tests share: real servers and binaries (support, binaries, wine_support),
the documents they send (hostile_inputs, compress_inputs, redaction_*), the checks
on results (pdfcheck) and the system packages they need (system)."""
