# gateways.tcl: the procs of the chain-*.exp and bind-*.exp tests,
# sourced by them.  See gateways.sh for the world they run in.
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

# Run COMMAND (a list; @SOCKSIFY@ stands for the socksify command) with
# the gateways of SPEC (see gateways.sh) in a network namespace of its
# own; with FTPD_PYTHON, a Python with pyftpdlib, also an FTP server
# (see gateways.sh).  Return
# {status output}; status 77: no namespaces here.
proc gateways_run {spec command {timeout 60} {ftpd_python ""}} {
    set dir [socks6_tmpdir gateways]
    file mkdir "$dir/www"
    set f [open "$dir/www/index.html" w]
    puts $f "hello-socks"
    close $f
    set f [open "$dir/hosts" w]
    puts $f "127.0.0.1 localhost\n::1 localhost ip6-localhost"
    puts $f "192.0.2.1 dest.socks6.test"
    close $f
    set f [open "$dir/resolv.conf" w]
    puts $f "nameserver 127.0.0.1\noptions attempts:1 timeout:1"
    close $f
    set full {}
    foreach word $command {
	if {$word eq "@SOCKSIFY@"} {
	    lappend full {*}[socksify_command] --no-hosts-file
	} else {
	    lappend full $word
	}
    }
    set helpers [socksify_helpers]
    set env [list env "SOCKS6D=[socks6_program socks6d]" \
		 "PATH=$::env(PATH):/usr/sbin" "GATEWAYS_FTPD=$ftpd_python"]
    return [socks6_run [concat $env [list sh "$helpers/in-netns.sh" $dir \
		sh "$helpers/gateways.sh" $dir $spec] $full] $timeout]
}

# The socksify options for the gateways 1..N of gateways.sh.
proc gateways_servers {n} {
    set opts {}
    for {set i 1} {$i <= $n} {incr i} {
	lappend opts -s 192.0.2.1:[expr {1080 + $i}]
    }
    return $opts
}

# True if every gateway kind in SPEC can run here; else TEST is
# unsupported.
proc gateways_have {spec test} {
    foreach kind [split $spec ,] {
	if {$kind ne "down" && ![socksify_have_gateway $kind $test]} {
	    return 0
	}
    }
    return 1
}

# Report TEST: pass when STATUS is 0 and OUTPUT matches every regexp
# of PATTERNS; 77 is unsupported.
proc gateways_check {test status output patterns} {
    if {$status == 77} {
	unsupported "$test: no network and mount namespaces here"
	return
    }
    verbose -- "$test: status $status, output:\n$output" 2
    if {$status != 0} {
	fail "$test (status $status: [string range $output 0 400])"
	return
    }
    foreach pattern $patterns {
	if {![regexp -- $pattern $output]} {
	    fail "$test (no '$pattern' in: [string range $output 0 600])"
	    return
	}
    }
    pass $test
}
