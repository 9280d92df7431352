/* Calls libm on a run-time value so the compiler cannot fold it away. */
#include <math.h>
#include <stdio.h>
int main(int argc, char **argv) {
    volatile double x = 2.0 + (double)(argc - 1);
    printf("sqrt=%.3f cos=%.3f\n", sqrt(x), cos(x));
    return 0;
}
