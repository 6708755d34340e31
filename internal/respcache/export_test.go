package respcache

import "strings"

// FieldPure and ListedPure expose the field rules to the schema-walking test (package
// respcache_test, which may import graph).
var FieldPure = fieldPure

func ListedPure(name string) bool {
	typ, _, _ := strings.Cut(name, ".")
	return pureExtras[name] || pureExtras[typ+".*"]
}
