;; Mutation: an f32 argument passed to an i32 parameter is an error of the script.
(module (func (export "id") (param i32) (result i32) (local.get 0)))
(assert_return (invoke "id" (i32.const 0)) (i32.const 0))
(assert_return (invoke "id" (f32.const 0)) (i32.const 0))
