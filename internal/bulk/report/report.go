// Package report is the row-by-row report of a bulk import (internal/bulk): which line of the file,
// which column, and why it was refused. It imports nothing of the project, so the ImportJob schema
// can store it as JSON.
package report

// Line is one refused row (or, with Line 1, a problem of the header or the file as a whole).
type Line struct {
	// Line is the file's line number (the header is line 1) where the row starts.
	Line int `json:"line"`
	// Column is the header name of the column at fault; "" when the row as a whole is refused.
	Column string `json:"column"`
	// Reason says what is wrong, in words the person fixing the file can act on.
	Reason string `json:"reason"`
}
