/*
** Fuzz targets: each file defines LLVMFuzzerTestOneInput for one parser of
** outside input.  They build two ways: with clang's libFuzzer (`make fuzz`,
** coverage-guided, for hours if you like), and with replay.c as an ordinary
** test that runs the corpus and a fixed set of mutations of it under the
** sanitizers on every `make test`.
*/
#ifndef BANYAN_TESTS_FUZZ_H
#define BANYAN_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
