/*
 * The C baseline for bench/tap-syscall: the cost of one write(2) and one read(2) per frame on a TAP fd, measured
 * exactly like TapSyscallBench.java measures the FFM path (same device, frame sizes, batch and frame counts).
 *
 * The TAP must exist and loop frames back: run.sh creates it persistent, with a tc ingress filter that redirects
 * every frame written into the interface back out of it, so each written frame becomes readable on the same fd.
 *
 * usage: tap_syscall IFNAME FRAMES
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define BUFFER 65536
#define MAX_AGAIN 1000000L

/*
 * Attaching the fd turns the carrier on, but the kernel activates the device's qdisc only when its linkwatch work
 * runs (up to a second later); until then every frame sent out of the device is dropped. Wait for it.
 */
static void await_operational(const char *ifname)
{
    char path[128], state[32];
    snprintf(path, sizeof path, "/sys/class/net/%s/operstate", ifname);
    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(path, "r");
        if (f && fgets(state, sizeof state, f) && strncmp(state, "down", 4) != 0) {
            fclose(f);
            return;
        }
        if (f) {
            fclose(f);
        }
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "tap_syscall: %s did not become operational in 5 s\n", ifname);
    exit(1);
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Writes a batch, then reads it back; returns the number of frames done and adds the phase times. */
static long run(int fd, unsigned char *frame, int length, unsigned char *buffer, long frames,
                long long *write_ns, long long *read_ns, long *again)
{
    long done = 0;
    while (done < frames) {
        long long t0 = now_ns();
        for (int i = 0; i < BATCH; i++) {
            if (write(fd, frame, length) != length) {
                perror("write");
                exit(1);
            }
        }
        long long t1 = now_ns();
        for (int got = 0; got < BATCH;) {
            ssize_t n = read(fd, buffer, BUFFER);
            if (n >= 0) {
                got++;
            } else if (errno == EAGAIN) {
                /* Processing is synchronous, so a frame that is not back by now was dropped by the kernel. */
                if (++(*again) > MAX_AGAIN) {
                    fprintf(stderr, "tap_syscall: frames are not looping back (see ip -s link, tc -s filter)\n");
                    exit(1);
                }
            } else if (errno != EINTR) {
                perror("read");
                exit(1);
            }
        }
        long long t2 = now_ns();
        *write_ns += t1 - t0;
        *read_ns += t2 - t1;
        done += BATCH;
    }
    return done;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s IFNAME FRAMES\n", argv[0]);
        return 2;
    }
    long frames = atol(argv[2]);
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        perror("open /dev/net/tun");
        return 1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("ioctl(TUNSETIFF)");
        return 1;
    }
    await_operational(argv[1]);
    static unsigned char buffer[BUFFER];
    static unsigned char frame[1514];
    memcpy(frame, "\x02\x52\x53\x00\x00\xb1\x02\x52\x53\x00\x00\xb0\x88\xb5", 14);
    for (int i = 14; i < (int) sizeof frame; i++) {
        frame[i] = (unsigned char) i;
    }
    int sizes[] = {64, 1514};
    for (int s = 0; s < 2; s++) {
        long long write_ns = 0, read_ns = 0;
        long again = 0;
        run(fd, frame, sizes[s], buffer, frames / 5, &write_ns, &read_ns, &again); /* warm-up, as for Java */
        write_ns = read_ns = 0;
        again = 0;
        long done = run(fd, frame, sizes[s], buffer, frames, &write_ns, &read_ns, &again);
        printf("%-22s %4d B: write %7.1f ns/frame, read %7.1f ns/frame, write+read %7.1f ns/frame"
               "  (%ld frames, %ld EAGAIN)\n", "C (libc)", sizes[s], (double) write_ns / done,
               (double) read_ns / done, (double) (write_ns + read_ns) / done, done, again);
        fflush(stdout);
    }
    close(fd);
    return 0;
}
