"""The platform's PDF seal: a PAdES signature with its own key (pyHanko), so that any PDF
reader shows whether a PV (or, later, an attestation) was altered after it was sealed."""

import warnings

# pyHanko imports cryptography's DSA key types, which cryptography 48+ deprecates on
# import; the platform never signs with DSA, and the warning would print on every command.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")
