// solidity-coverage: measure the protocol, not the test doubles.
module.exports = {
  skipFiles: ["mocks/"],
  mocha: { timeout: 300000 },
};
