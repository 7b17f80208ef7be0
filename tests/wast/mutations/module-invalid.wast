;; Mutation: a module command whose module does not validate fails.
(module (func (result i32) (i32.const 0)))
(module (func (result i32) (i64.const 0)))
