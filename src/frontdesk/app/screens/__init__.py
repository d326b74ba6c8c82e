"""One module per place of the counter flow: lookup, guide, send token, code entry, result…"""
