// A switch-dispatched bytecode interpreter running a counting loop program: indirect branches,
// unpredictable control flow, a small stack in memory.
#include "kernel.h"

enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, LOAD, STORE, HALT, XOR, SHR };

static const int32_t program[] = {
    PUSH, 0, STORE, 0,               // 0: acc = 0
    LOAD, 1, JNZ, 9, HALT,           // 4: if counter == 0 halt
    LOAD, 0, PUSH, 31, MUL,          // 9: acc * 31
    LOAD, 1, XOR, PUSH, 3, SHR,      // 14: ^ counter, >> 3
    LOAD, 1, ADD, STORE, 0,          // 20: + counter -> acc
    DEC, JNZ, 9, HALT,               // 25: counter -= 1, loop while non-zero
};

KERNEL uint32_t run(uint32_t n) {
  int32_t stack[64], vars[4] = {0, (int32_t)n, 0, 0};
  int sp = 0, pc = 0;
  for (;;) {
    switch (program[pc++]) {
      case PUSH: stack[sp++] = program[pc++]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case SWAP: { int32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case JNZ: { int32_t target = program[pc++]; if (stack[--sp]) pc = target; break; }
      case DEC: vars[1]--; stack[sp++] = vars[1]; break;
      case LOAD: stack[sp++] = vars[program[pc++]]; break;
      case STORE: vars[program[pc++]] = stack[--sp]; break;
      case XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case SHR: sp--; stack[sp - 1] = (int32_t)((uint32_t)stack[sp - 1] >> stack[sp]); break;
      case HALT: return (uint32_t)vars[0];
    }
  }
}
