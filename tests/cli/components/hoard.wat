;; A command component that keeps 100 pollables (tests/cli/run-cli-tests: -S max-resources).
(component
  (import "wasi:clocks/monotonic-clock@0.2.0" (instance $clock
    (export "pollable" (type (sub resource)))
    (export "subscribe-duration" (func (param "when" u64) (result (own 0))))))
  (core func $subscribe (canon lower (func $clock "subscribe-duration")))
  (core module $m
    (import "" "subscribe" (func $subscribe (param i64) (result i32)))
    (func (export "run") (result i32) (local $n i32)
      (loop $more
        (drop (call $subscribe (i64.const 1000000000)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br_if $more (i32.lt_u (local.get $n) (i32.const 100))))
      (i32.const 0)))
  (core instance $i (instantiate $m (with "" (instance (export "subscribe" (func $subscribe))))))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $r (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $r)))
