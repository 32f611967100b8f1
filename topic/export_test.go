package topic

// Exported for the external tests.
var (
	IsSep    = isSep
	FoldRune = foldRune
	Words    = words
)
