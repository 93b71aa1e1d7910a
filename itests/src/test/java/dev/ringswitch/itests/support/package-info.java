/**
 * Support for end-to-end tests: a private copy of the built distribution, started and driven over SSH.
 */
package dev.ringswitch.itests.support;
