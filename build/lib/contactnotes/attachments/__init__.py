"""Files attached to notes: uploads, key checks on attach, signed download links, clean-up."""
