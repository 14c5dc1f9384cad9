#define _GNU_SOURCE
#include <sys/socket.h>
#include "CCivicSealSystem.h"

int civicseal_accept_nonblocking(int listener, struct sockaddr *address, socklen_t *address_length) {
    return accept4(listener, address, address_length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
