#ifndef CCIVICSEAL_SYSTEM_H
#define CCIVICSEAL_SYSTEM_H

// Linux system interfaces the Swift Glibc module does not import. No _GNU_SOURCE here: GNU-only
// functions are declared with plain C types below and defined in CCivicSealSystem.c.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC: the accepted socket is non-blocking and close-on-exec
/// atomically. Returns the descriptor or -1 with errno set.
int civicseal_accept_nonblocking(int listener, struct sockaddr *address, socklen_t *address_length);

#endif
