"""The jury's records (models) and the facts other packages read about them."""
