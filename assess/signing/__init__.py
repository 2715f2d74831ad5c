"""The platform's PDF seal: a PAdES signature with its own key (pyHanko), so that any PDF
reader shows whether a PV (or, later, an attestation) was altered after it was sealed."""
