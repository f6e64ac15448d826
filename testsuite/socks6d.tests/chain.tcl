# testsuite/socks6d.tests/chain.tcl: procedures the chain-*.exp tests
# share (sourced by them; not a test itself): gateways chained through
# route lines, Dante's sockd as a hop, and a credentials file.
#
# Copyright (C) 2026 The socks6 authors.
# This file is part of socks6, free software under the GNU GPL v3 or
# later; see COPYING.

# The route line sending everything through the gateways NEXT (a list of
# socks6d dicts or "HOST:PORT" strings), tried in order.
proc chain_route {next {extra ""}} {
    set hops {}
    foreach n $next {
	if {[catch {dict get $n port} port]} {
	    lappend hops "socks5://$n"
	} else {
	    lappend hops "socks5://127.0.0.1:$port"
	}
    }
    return "route $extra via [join $hops]"
}

# Start a socks6d whose every request goes through NEXT; BODY is more
# configuration, HOSTS its hosts file ("" for one that knows no name
# the tests use, so that nothing is resolved here by accident).
proc chain_gateway {next {body ""} {hosts "127.0.0.9 nothing.test"}} {
    return [socks6d_start "[chain_route $next]\n$body" $hosts]
}

# A TCP port on 127.0.0.1 that nothing listens on.
proc chain_closed_port {} {
    set gone [socks6d_peer echo 4]
    socks6d_peer_stop $gone
    after 200
    return [lindex $gone 1]
}

# Write a credentials file of LINES with MODE; return its path.
proc chain_credentials {lines {mode 0600}} {
    set dir [socks6_tmpdir chain-cred]
    set f [open $dir/hops.cred w]
    puts $f [join $lines "\n"]
    close $f
    file attributes $dir/hops.cred -permissions $mode
    return $dir/hops.cred
}

# Start Dante's sockd in the foreground on a free loopback port, with no
# authentication, relaying from 127.0.0.1 to 127.0.0.1 only.  Return
# {pid port} or "" when there is no sockd.
proc chain_dante {} {
    global socks6d_peer_pids
    set sockd ""
    foreach path {/usr/sbin/danted /usr/sbin/sockd /usr/local/sbin/sockd} {
	if {[file executable $path]} { set sockd $path; break }
    }
    if {$sockd eq ""} { return "" }
    set port [socks6d_free_port]
    set dir [socks6_tmpdir dante]
    set user nobody
    set f [open $dir/sockd.conf w]
    puts $f "logoutput: $dir/sockd.log
internal: 127.0.0.1 port = $port
external: 127.0.0.1
socksmethod: none
clientmethod: none
user.privileged: root
user.unprivileged: $user
client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }
socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 command: connect bind }"
    close $f
    set pid [exec $sockd -f $dir/sockd.conf -N 1 -p $dir/sockd.pid \
		 >$dir/stdout 2>@1 &]
    # socks6d_exit stops it too, should the test end early.
    lappend socks6d_peer_pids $pid
    for {set i 0} {$i < 100} {incr i} {
	if {![catch {exec python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)"}]} {
	    return [list $pid $port $dir]
	}
	if {[catch {exec kill -0 $pid}]} { break }
	after 50
    }
    verbose "sockd did not start: [exec cat $dir/sockd.log $dir/stdout]" 1
    return ""
}

proc chain_dante_stop {dante} {
    catch {exec kill [lindex $dante 0]}
}
