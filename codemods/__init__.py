"""fixkit's built-in codemods, one remediation per module (installed as ``fixkit.codemods``)."""
