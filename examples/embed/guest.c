// The guest of the embedding example: it imports two host functions and exports three of its own.
__attribute__((import_module("host"), import_name("log"))) void host_log(int value);
__attribute__((import_module("host"), import_name("print"))) void host_print(const char* text, int length);

__attribute__((export_name("sum_squares"))) int sum_squares(int n) {
  int total = 0;
  for (int i = 1; i <= n; ++i) {
    total += i * i;
    host_log(total);
  }
  return total;
}

__attribute__((export_name("greet"))) void greet(void) {
  static const char text[] = "hello from the guest";
  host_print(text, sizeof text - 1);
}

__attribute__((export_name("divide"))) int divide(int a, int b) { return a / b; }
