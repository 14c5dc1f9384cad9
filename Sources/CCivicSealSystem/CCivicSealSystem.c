#define _GNU_SOURCE
#include <spawn.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include "CCivicSealSystem.h"

int civicseal_accept_nonblocking(int listener, struct sockaddr *address, socklen_t *address_length) {
    return accept4(listener, address, address_length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

int civicseal_spawn_actions_close_from(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int civicseal_spawn_actions_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int civicseal_pipe_close_on_exec(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}

long civicseal_random_bytes(void *buffer, unsigned long count) {
    return (long)getrandom(buffer, count, 0);
}
