// Package pack builds inkling's dist/ folder: the hosted layout, with the
// site's files in a content-hashed version folder (hosted.go), and the single
// file inkling.html (single.go), whose ES modules it joins into one
// (bundle.go). It reads JavaScript and HTML with small scanners of its own
// (lex.go, html.go), which know enough to find strings, imports, exports and
// URLs, and refuse what they do not understand with the file and line.
//
// The command is tools/dist; its doc comment describes the layout and why.
// Read, Make and Write are its three steps; web/dist_test.go uses them to
// build into a temporary folder, and to build a changed copy of the site.
package pack
