/**
 * Test support shared by the modules' tests: never deployed into the appliance.
 */
package dev.ringswitch.testkit;
