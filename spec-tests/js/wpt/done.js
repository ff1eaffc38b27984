// Run after a WPT-style test file: no more tests will be defined.
done();
