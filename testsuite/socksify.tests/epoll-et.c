/* epoll-et HOST PORT: the socksify tests' C client for the asynchronous
   connect with edge-triggered epoll.  Registers a non-blocking socket
   with EPOLLOUT | EPOLLET and a 64-bit token of its own before
   connecting (the case a library must take over and give back), waits,
   and prints what the test checks: connect's errno, the token and
   events the program got back, SO_ERROR, and the page's first line.
   Built by async.exp with the system's compiler.

   Copyright (C) 2026 The socks6 authors.
   This file is part of socks6, free software under the GNU GPL v3 or
   later; see COPYING.  */

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define TOKEN UINT64_C (0x1122334455667788)

int
main (int argc, char **argv)
{
  if (argc != 3)
    return 2;
  struct addrinfo hints = {.ai_family = AF_INET,.ai_socktype = SOCK_STREAM };
  struct addrinfo *ai;
  if (getaddrinfo (argv[1], argv[2], &hints, &ai) != 0)
    return 3;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int ep = epoll_create1 (0);
  struct epoll_event ev = {.events = EPOLLOUT | EPOLLET,.data.u64 = TOKEN };
  if (fd < 0 || ep < 0 || epoll_ctl (ep, EPOLL_CTL_ADD, fd, &ev) != 0)
    return 4;
  int rc = connect (fd, ai->ai_addr, ai->ai_addrlen);
  printf ("connect %d errno %d\n", rc, rc ? errno : 0);
  struct epoll_event got;
  int n = epoll_wait (ep, &got, 1, 5000);
  printf ("events %d token %s out %d\n", n,
          n == 1 && got.data.u64 == TOKEN ? "kept" : "lost",
          n == 1 && (got.events & EPOLLOUT) != 0);
  int err = -1;
  socklen_t len = sizeof err;
  getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len);
  printf ("so_error %d\n", err);
  /* Edge-triggered: nothing more until something changes.  */
  printf ("quiet %d\n", epoll_wait (ep, &got, 1, 100) == 0);
  static const char request[] = "GET /index.html HTTP/1.0\r\n\r\n";
  if (write (fd, request, sizeof request - 1) != sizeof request - 1)
    return 5;
  ev.events = EPOLLIN | EPOLLET;
  epoll_ctl (ep, EPOLL_CTL_MOD, fd, &ev);
  char buf[4096];
  size_t have = 0;
  while (have < sizeof buf - 1 && epoll_wait (ep, &got, 1, 5000) == 1)
    {
      ssize_t r;
      while ((r = read (fd, buf + have, sizeof buf - 1 - have)) > 0)
        have += r;
      if (r == 0)
        break;
    }
  buf[have] = '\0';
  char *body = strstr (buf, "\r\n\r\n");
  printf ("body %s", body ? body + 4 : "(none)\n");
  freeaddrinfo (ai);
  close (fd);
  close (ep);
  return 0;
}
