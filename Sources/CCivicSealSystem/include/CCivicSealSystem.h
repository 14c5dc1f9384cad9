#ifndef CCIVICSEAL_SYSTEM_H
#define CCIVICSEAL_SYSTEM_H

// Linux system interfaces the Swift Glibc module does not import. No _GNU_SOURCE here: GNU-only
// functions are declared with plain C types below and defined in CCivicSealSystem.c.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <spawn.h>
#include <sys/socket.h>

/// accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC: the accepted socket is non-blocking and close-on-exec
/// atomically. Returns the descriptor or -1 with errno set.
int civicseal_accept_nonblocking(int listener, struct sockaddr *address, socklen_t *address_length);

/// posix_spawn_file_actions_addclosefrom_np(3) (glibc 2.34): the child closes every descriptor from `lowest` up,
/// whatever the parent has open, without the parent listing them. Returns 0 or an error number.
int civicseal_spawn_actions_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// posix_spawn_file_actions_addchdir_np(3) (glibc 2.29): the child changes to `path` before it executes.
/// Returns 0 or an error number.
int civicseal_spawn_actions_chdir(posix_spawn_file_actions_t *actions, const char *path);

/// pipe2(2) with O_CLOEXEC: both ends are close-on-exec atomically, so a child spawned meanwhile by another thread
/// cannot inherit them. Returns 0, or -1 with errno set.
int civicseal_pipe_close_on_exec(int ends[2]);

/// getrandom(2) with no flags: up to `count` bytes from the kernel's CSPRNG (blocking only before it is seeded).
/// Returns how many bytes were written, or -1 with errno set.
long civicseal_random_bytes(void *buffer, unsigned long count);

#endif
