/** The command line: Hardhat tasks for admins and users, loaded by hardhat.config.ts. */
import "./timelock";
import "./staking";
import "./avs";
import "./upgrade";
import "./verify";
import "./lrt";
