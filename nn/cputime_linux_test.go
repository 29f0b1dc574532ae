package nn

import (
	"syscall"
	"time"
	"unsafe"
)

// cpuTime is the CPU time the process has used, all threads: on a machine
// shared with other work a benchmark's CPU time per operation varies much
// less than its wall time.
func cpuTime() time.Duration {
	var ts syscall.Timespec
	const clockProcessCPUTimeID = 2
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
