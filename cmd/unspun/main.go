// Command unspun traces news articles back to the reporting they were built
// from. See the README for the commands and docs/json.md for the JSON
// contract.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

// signalContext is cancelled by SIGINT or SIGTERM: commands stop early,
// keep what they stored, say so, and exit 130.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func main() {
	ctx, stop := signalContext()
	if path := os.Getenv("UNSPUN_CPUPROFILE"); path != "" { // for performance work: README, "Profiling"
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			defer f.Close()
		} else {
			fmt.Fprintln(os.Stderr, "unspun: UNSPUN_CPUPROFILE:", err)
		}
	}
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	stop()
	os.Exit(code)
}
