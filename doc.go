// Package unspun holds the data model shared by every stage of unspun, a tool
// that traces news articles back to the reporting they were built from.
//
// An Article's Body is the raw text; everything derived from it (sentences,
// matches, quotes) carries byte offsets into Body, so a report can always show
// the exact characters. The stages live in their own packages and import
// only downward:
//
//	reader → text → fingerprint → store → align → trace → report
//
// cmd/unspun is the only place where they are wired together.
package unspun
