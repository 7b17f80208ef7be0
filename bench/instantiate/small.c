// The small C module of the instantiation benchmark: a linear memory with a data segment, a
// function table (through function pointers), a mutable global (the stack pointer) and a few
// exports — what a little C program compiled to wasm looks like.
typedef int (*op_fn)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }

static const op_fn ops[] = {add, sub, mul};
static const char greeting[] = "hello from a small C module";
static int counter;

__attribute__((export_name("apply"))) int apply(int op, int a, int b) { return ops[op % 3](a, b); }

__attribute__((export_name("greeting_byte"))) int greeting_byte(int i) {
  return greeting[i % (int)(sizeof greeting)];
}

__attribute__((export_name("bump"))) int bump(void) { return ++counter; }
