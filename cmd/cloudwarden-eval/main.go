// Command cloudwarden-eval replays evaluation datasets through cloudwarden's detector
// code and writes results that independent scorers read.
//
//	cloudwarden-eval nab [-data DIR] [-out DIR]   # NAB results files for the anomaly scorer
package main

import (
	"fmt"
	"github.com/cloudwarden/cloudwarden/processor/clouddetectprocessor/nab"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "nab":
		err = nab.Run(os.Args[2:], os.Stdout)
	case "-h", "-help", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "cloudwarden-eval: unknown subcommand %q\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "cloudwarden-eval: %v\n", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: cloudwarden-eval nab [-data DIR] [-out DIR] [tuning flags]")
}
