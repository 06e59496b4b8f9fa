// Package text turns a raw article body into the units unspun matches on:
// sentences and tokens. Normalising changes bytes (NFKC, case folding, curly
// apostrophes, dots in "U.S."), so every unit keeps the byte offsets of the
// raw characters it came from; matching uses the normalised form and reports
// use the offsets.
package text
