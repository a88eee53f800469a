"""What the apps' tests and the benchmarks share: factories of rows (`support`), servers in subprocesses
(`support`), hostile XLSX uploads (`bombs`). Above every layer, like the tests; nothing in the product imports it."""
